// qnn-pixel-rows-convs: deep float convolutions of small images run with
// output pixels as the GEMM's rows (qnn.pixel_rows_conv).
#include "passes/ChannelConstants.h"
#include "passes/Passes.h"

#include "qnn_runtime/float_kernels.h"

#include "mlir/IR/Builders.h"

namespace qnnc {
#define GEN_PASS_DEF_PIXELROWSCONVS
#include "passes/Passes.h.inc"
} // namespace qnnc

using namespace mlir;
using namespace qnnc;
using namespace qnnc::qnn;

namespace {

/// conv -> pixel_rows_conv, its weights [O][K] packed into panels of output
/// channels (qnn_rt::pixel_rows_weight_index) and its bias padded to them.
void rewrite(Conv2DOp conv, ArrayRef<float> weights, std::optional<SmallVector<float>> bias) {
  OpBuilder b(conv);
  auto w = conv.getWeight().getType().getShape();
  const int64_t O = w[0], K = w[1] * w[2] * w[3], padded = qnn_rt::panel_padded_channels(O);
  SmallVector<float> packed(padded * K, 0.0f);
  for (auto [i, value] : llvm::enumerate(weights))
    packed[qnn_rt::pixel_rows_weight_index(i / K, i % K, K)] = value;
  Value panels = createF32Constant(b, conv.getLoc(), {padded / qnn_rt::kMaxGemmCols, K, qnn_rt::kMaxGemmCols}, packed);
  Value paddedBias = bias ? createPaddedBias(b, conv.getLoc(), *bias, padded) : Value();
  auto rows = b.create<PixelRowsConvOp>(conv.getLoc(), conv.getOutput().getType(), conv.getInput(), panels, paddedBias,
                                        b.getDenseI64ArrayAttr(w.drop_front(2)), conv.getStridesAttr(),
                                        conv.getPadsAttr(), conv.getDilationsAttr(), conv.getClampMinAttr(),
                                        conv.getClampMaxAttr());
  conv.getOutput().replaceAllUsesWith(rows.getOutput());
  conv.erase();
}

struct PixelRowsConvsPass : qnnc::impl::PixelRowsConvsBase<PixelRowsConvsPass> {
  using PixelRowsConvsBase::PixelRowsConvsBase;

  void runOnOperation() override {
    SmallVector<Conv2DOp> convs;
    getOperation().walk([&](Conv2DOp conv) { convs.push_back(conv); });
    for (Conv2DOp conv : convs) {
      auto w = conv.getWeight().getType().getShape(), out = conv.getOutput().getType().getShape();
      if (conv.getGroup() != 1 || w[1] * w[2] * w[3] < minWindow || out[2] * out[3] > maxPixels)
        continue;
      auto weights = constantF32(conv.getWeight());
      auto bias = conv.getBias() ? constantF32(conv.getBias()) : std::nullopt;
      if (!weights || (conv.getBias() && !bias))
        continue;
      rewrite(conv, *weights, bias);
    }
  }
};

} // namespace
