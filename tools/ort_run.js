// Runs an ONNX model in ONNX Runtime (single thread, CPU), the reference and
// speed peer of qnnc's output:
//   node tools/ort_run.js MODEL.onnx INPUT.bin OUTPUT.bin D0,D1,...
//   node tools/ort_run.js MODEL.onnx INPUT.bin OUTPUT.bin 'TYPE:D0,D1,...;TYPE:...'
// INPUT.bin holds consecutive records, each one tensor per graph input in
// the graph's order, of the given shapes: float32 (ORT_INPUT_TYPE=uint8|
// int8|int32|int64|float64 reads them as that type instead), or the types
// the second form names; a model without inputs runs once (an empty spec,
// ''). Each run's outputs are written one after another, as the model
// computes their types. Prints the mean time per run (ms) on stderr as
// "ort_ms_per_run X"; with more than one record the first, cold run is not
// timed (steady state, as qnnc's harness measures).
// ORT_GRAPH_OPTIMIZATION=disabled|basic|extended|all (default all) sets
// ONNX Runtime's graph optimization level.
const fs = require('fs');
const path = require('path');
const ort = require(path.join(__dirname, '..', 'third_party', 'onnxruntime', 'node_modules', 'onnxruntime-node'));

const arrays = { float32: Float32Array, float64: Float64Array, uint8: Uint8Array, int8: Int8Array, int32: Int32Array,
                 int64: BigInt64Array };

/// [{type, shape, bytes}] of the inputs a spec names.
function parseInputs(spec) {
  if (spec === '') return [];
  return spec.split(';').map((one) => {
    const [type, dims] = one.includes(':') ? one.split(':') : [process.env.ORT_INPUT_TYPE || 'float32', one];
    if (!arrays[type]) throw new Error(`input type ${type} is not one of ${Object.keys(arrays)}`);
    const shape = dims.split(',').map(Number);
    return { type, shape, bytes: shape.reduce((a, b) => a * b, 1) * arrays[type].BYTES_PER_ELEMENT };
  });
}

async function main() {
  const [modelPath, inputPath, outputPath, spec] = process.argv.slice(2);
  if (spec === undefined) {
    console.error('usage: node ort_run.js MODEL.onnx INPUT.bin OUTPUT.bin D0,D1,...|TYPE:D0,...;TYPE:D0,...');
    process.exit(2);
  }
  const inputs = parseInputs(spec);
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: process.env.ORT_GRAPH_OPTIMIZATION || 'all',
  });
  if (inputs.length !== session.inputNames.length)
    throw new Error(`the model has ${session.inputNames.length} inputs, the spec names ${inputs.length}`);
  const raw = new Uint8Array(fs.readFileSync(inputPath));
  const record = inputs.reduce((sum, input) => sum + input.bytes, 0);
  if (record === 0 ? raw.byteLength !== 0 : raw.byteLength % record !== 0)
    throw new Error('input size is not a multiple of the tensor size');
  const count = record === 0 ? 1 : raw.byteLength / record;
  const outputs = [];
  let elapsed = 0n;
  for (let i = 0, at = 0; i < count; ++i) {
    const feed = {};
    inputs.forEach((input, k) => {
      // A copy: typed arrays need their element size's alignment.
      const bytes = raw.slice(at, at + input.bytes);
      at += input.bytes;
      feed[session.inputNames[k]] = new ort.Tensor(input.type, new arrays[input.type](bytes.buffer), input.shape);
    });
    const t0 = process.hrtime.bigint();
    const result = await session.run(feed);
    if (i > 0 || count === 1) elapsed += process.hrtime.bigint() - t0;
    for (const name of session.outputNames) {
      const data = result[name].data;
      outputs.push(Buffer.from(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)));
    }
  }
  fs.writeFileSync(outputPath, Buffer.concat(outputs));
  console.error(`ort_ms_per_run ${(Number(elapsed) / 1e6 / Math.max(count - 1, 1)).toFixed(4)}`);
}
main().catch((e) => { console.error(e.message || e); process.exit(1); });
