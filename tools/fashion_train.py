"""Training and export shared by the shipped Fashion-MNIST models: Adam with a
one-cycle schedule, random horizontal flips, test accuracy each epoch, then
the model's freeze() (latent weights -> +-1, learned thresholds -> buffers)
and an ONNX export with a dynamic batch."""
import argparse
import time

import torch
import torch.nn.functional as F

from e2e_lib import fashion_split


def evaluate(model, x, y):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), 1000):
            correct += (model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item()
    return correct / len(x)


def main(make_model, default_out, default_epochs, custom_opsets=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=default_epochs)
    ap.add_argument("--out", default=default_out)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    xtr, ytr = (torch.from_numpy(a) for a in fashion_split("train"))
    xte, yte = (torch.from_numpy(a) for a in fashion_split("test"))
    model = make_model()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    steps = args.epochs * ((len(xtr) + 127) // 128)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=max(steps, 1))
    for epoch in range(args.epochs):
        model.train()
        t0 = time.time()
        perm = torch.randperm(len(xtr))
        for i in range(0, len(xtr), 128):
            idx = perm[i:i + 128]
            xb = xtr[idx]
            # light augmentation: random horizontal flip
            flip = torch.rand(len(xb)) < 0.5
            xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
            loss = F.cross_entropy(model(xb), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        acc = evaluate(model, xte, yte)
        print(f"epoch {epoch + 1}: loss {loss.item():.3f} test acc {acc:.4f} ({time.time() - t0:.0f}s)", flush=True)
    model.freeze()
    print(f"frozen test acc {evaluate(model, xte, yte):.4f}")
    model.eval()
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), args.out, opset_version=13,
                      input_names=["image"], output_names=["logits"], custom_opsets=custom_opsets or {},
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
    print("wrote", args.out)
