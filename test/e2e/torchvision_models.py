"""torchvision 0.14 models as a user exports them (random weights; nothing
can be downloaded here): resnet18, mobilenet_v2 and squeezenet1_1 in float,
and resnet18 binarized Bi-Real style, sign(x) and sign(w) in every block
convolution, with one weight of layer4.0.conv1 exactly 0 so that that
layer's Sign(w) is ternary."""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

FLOAT_MODELS = ("resnet18", "mobilenet_v2", "squeezenet1_1")
BINARIZED = "resnet18_bireal"
SHAPE = (1, 3, 224, 224)
# The ternary convolution and where its zero weight is (output, input, y, x).
TERNARY_LAYER, ZERO_AT = "layer4.0.conv1", (17, 3, 1, 1)


class SignConv(nn.Module):
    """A block convolution on sign(x) with sign(w), w its float weights."""

    def __init__(self, conv):
        super().__init__()
        self.conv = conv

    def forward(self, x):
        c = self.conv
        return F.conv2d(torch.sign(x), torch.sign(c.weight), None, c.stride, c.padding, c.dilation, c.groups)


def bireal_resnet18():
    model = torchvision.models.resnet18()
    for layer in (model.layer1, model.layer2, model.layer3, model.layer4):
        for block in layer:
            block.conv1, block.conv2 = SignConv(block.conv1), SignConv(block.conv2)
    with torch.no_grad():
        model.layer4[0].conv1.conv.weight[ZERO_AT] = 0.0
    return model


def export(name, path):
    torch.manual_seed(0)
    model = bireal_resnet18() if name == BINARIZED else getattr(torchvision.models, name)()
    torch.onnx.export(model.eval(), torch.randn(*SHAPE), path, opset_version=13, input_names=["x"],
                      output_names=["y"])
