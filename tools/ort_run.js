// Runs an ONNX model in ONNX Runtime (single thread, CPU), the reference and
// speed peer of qnnc's output:
//   node tools/ort_run.js MODEL.onnx INPUT.bin OUTPUT.bin D0,D1,...
// INPUT.bin holds consecutive float32 tensors of the given shape; the
// outputs are written one after another. Prints the mean time per run (ms)
// on stderr as "ort_ms_per_run X"; with more than one input the first, cold
// run is not timed (steady state, as qnnc's harness measures).
// ORT_GRAPH_OPTIMIZATION=disabled|basic|extended|all (default all) sets
// ONNX Runtime's graph optimization level. ORT_INPUT_TYPE=uint8|int8|int32|
// int64|float64 reads the input tensors as that type instead (the outputs are
// written as the model's output type, whatever it is).
const fs = require('fs');
const path = require('path');
const ort = require(path.join(__dirname, '..', 'third_party', 'onnxruntime', 'node_modules', 'onnxruntime-node'));

async function main() {
  const [modelPath, inputPath, outputPath, shapeArg] = process.argv.slice(2);
  if (!shapeArg) {
    console.error('usage: node ort_run.js MODEL.onnx INPUT.bin OUTPUT.bin D0,D1,...');
    process.exit(2);
  }
  const shape = shapeArg.split(',').map(Number);
  const size = shape.reduce((a, b) => a * b, 1);
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: process.env.ORT_GRAPH_OPTIMIZATION || 'all',
  });
  const arrays = { float32: Float32Array, float64: Float64Array, uint8: Uint8Array, int8: Int8Array, int32: Int32Array,
                   int64: BigInt64Array };
  const inputType = process.env.ORT_INPUT_TYPE || 'float32';
  const Elements = arrays[inputType];
  if (!Elements) throw new Error(`ORT_INPUT_TYPE ${inputType} is not one of ${Object.keys(arrays)}`);
  // A copy: typed arrays need their element size's alignment.
  const raw = new Uint8Array(fs.readFileSync(inputPath));
  const all = new Elements(raw.buffer, 0, raw.byteLength / Elements.BYTES_PER_ELEMENT);
  if (all.length % size !== 0) throw new Error('input size is not a multiple of the tensor size');
  const count = all.length / size;
  const outputs = [];
  let elapsed = 0n;
  for (let i = 0; i < count; ++i) {
    const feed = { [session.inputNames[0]]: new ort.Tensor(inputType, all.slice(i * size, (i + 1) * size), shape) };
    const t0 = process.hrtime.bigint();
    const result = await session.run(feed);
    if (i > 0 || count === 1) elapsed += process.hrtime.bigint() - t0;
    outputs.push(Buffer.from(result[session.outputNames[0]].data.buffer.slice(0)));
  }
  fs.writeFileSync(outputPath, Buffer.concat(outputs));
  console.error(`ort_ms_per_run ${(Number(elapsed) / 1e6 / Math.max(count - 1, 1)).toFixed(4)}`);
}
main().catch((e) => { console.error(e.message || e); process.exit(1); });
