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
