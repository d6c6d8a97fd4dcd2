"""PyTorch building blocks for binary networks that export to the ONNX
qnnc recognizes: Sign activations (straight-through gradient) and +-1
weights. Shared by the shipped model's training script, the end-to-end
tests and the benchmarks."""
import torch


class SignSTE(torch.autograd.Function):
    """ONNX Sign forward (Sign(0) = 0), clipped straight-through gradient."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.sign(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (x.abs() <= 1).to(g.dtype)

    @staticmethod
    def symbolic(g, x):
        return g.op("Sign", x)


sign = SignSTE.apply


def random_binary_(weight):
    """Fills a weight tensor with random -1 / +1 values in place."""
    with torch.no_grad():
        weight.copy_(torch.where(torch.rand_like(weight) < 0.5, -1.0, 1.0))
    return weight


class MultiThreshold(torch.autograd.Function):
    """QONNX MultiThreshold (count of thresholds x >= t, channels on axis 1,
    thresholds [C, T] or [1, T]); exports as the QONNX custom op."""

    @staticmethod
    def forward(ctx, x, thresholds):
        t = thresholds.view(1, thresholds.shape[0], *([1] * (x.dim() - 2)), thresholds.shape[1])
        return (x.unsqueeze(-1) >= t).sum(-1).to(x.dtype)

    @staticmethod
    def symbolic(g, x, thresholds):
        return g.op("qonnx.custom_op.general::MultiThreshold", x, thresholds, out_scale_f=1.0, out_bias_f=0.0,
                    data_layout_s="NCHW", out_dtype_s="UINT8")


QONNX_OPSETS = {"qonnx.custom_op.general": 1}


class N2UQ(torch.nn.Module):
    """N2UQ activation: k-bit output levels 0 .. 2^k - 1 (uniform), reached
    at learned, non-uniform thresholds. Trained through a generalized
    straight-through estimator: each threshold contributes a unit-wide ramp
    centred on it, so gradients reach both x and the thresholds. After
    freeze() the thresholds are a buffer and the module exports as a QONNX
    MultiThreshold."""

    def __init__(self, bits=2):
        super().__init__()
        count = 2 ** bits - 1
        self.first = torch.nn.Parameter(torch.tensor(-1.0))
        # softplus(0.5413) = 1: thresholds start at -1, 0, 1, ...
        self.gaps = torch.nn.Parameter(torch.full((count - 1,), 0.5413))
        self.register_buffer("frozen", torch.zeros(0))

    def thresholds(self):
        if self.frozen.numel():
            return self.frozen
        steps = torch.nn.functional.softplus(self.gaps)
        return torch.cat([self.first.view(1), self.first + torch.cumsum(steps, 0)])

    def forward(self, x):
        t = self.thresholds()
        if self.frozen.numel():
            return MultiThreshold.apply(x, t.view(1, -1))
        hard = MultiThreshold.forward(None, x, t.view(1, -1))
        soft = torch.clamp(x.unsqueeze(-1) - t + 0.5, 0.0, 1.0).sum(-1)
        return soft + (hard - soft).detach()

    def freeze(self):
        self.frozen = self.thresholds().detach().clone()


class BinaryConv(torch.nn.Conv2d):
    """Convolution whose weights are binarized to +-1 in the forward pass
    (straight-through gradient to the latent weights)."""

    frozen = False

    def forward(self, x):
        w = self.weight
        wb = w if self.frozen else w + (torch.where(w >= 0, 1.0, -1.0) - w).detach()
        return torch.nn.functional.conv2d(x, wb, None, self.stride, self.padding, self.dilation, self.groups)

    def freeze(self):
        """Replace the latent weights by their +-1 values for export."""
        with torch.no_grad():
            self.weight.copy_(torch.where(self.weight >= 0, 1.0, -1.0))
        self.frozen = True
