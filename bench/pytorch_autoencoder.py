#!/usr/bin/python3
"""The chapter's 4.1.3 Autoencoder in PyTorch, timed on the same rows as bench-perf (the Java side).

Run with Debian's interpreter and packages (apt-get install python3-torch python3-numpy):
  /usr/bin/python3 bench/pytorch_autoencoder.py score  --input DIR --dim 784 --hidden 256,128,64 --output FILE
  /usr/bin/python3 bench/pytorch_autoencoder.py train  --input DIR --dim 784 --hidden 256,128,64 --epochs 2
  /usr/bin/python3 bench/pytorch_autoencoder.py sgemm  --size 1024

DIR holds part-*.f32 files: the rows of the benchmark table as raw little-endian float32, row-major, `dim` values per
row, written by the Java benchmark from the same Parquet table it scores (PyTorch has no Parquet reader here, so its
end-to-end time is raw binary in -> scores out, cheaper I/O than Parquet). Each mode prints one JSON line.
"""
import argparse
import glob
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim


class Autoencoder(nn.Module):
    """As in the chapter (4.1.3): Linear+ReLU down to the latent size, mirrored back up, Sigmoid output."""

    def __init__(self, input_dim=784, hidden_dims=(128, 64, 32)):
        super().__init__()
        encoder_layers = []
        prev_dim = input_dim
        for hidden_dim in hidden_dims:
            encoder_layers.append(nn.Linear(prev_dim, hidden_dim))
            encoder_layers.append(nn.ReLU())
            prev_dim = hidden_dim
        self.encoder = nn.Sequential(*encoder_layers)
        decoder_layers = []
        for i in range(len(hidden_dims) - 1, 0, -1):
            decoder_layers.append(nn.Linear(hidden_dims[i], hidden_dims[i - 1]))
            decoder_layers.append(nn.ReLU())
        decoder_layers.append(nn.Linear(hidden_dims[0], input_dim))
        decoder_layers.append(nn.Sigmoid())
        self.decoder = nn.Sequential(*decoder_layers)

    def forward(self, x):
        return self.decoder(self.encoder(x))


def parts(directory):
    files = sorted(glob.glob(os.path.join(directory, "part-*.f32")))
    if not files:
        raise SystemExit(f"no part-*.f32 files in {directory}")
    return files


def read_rows(path, dim):
    data = np.fromfile(path, dtype="<f4")
    if data.size % dim:
        raise SystemExit(f"{path}: {data.size} floats is not a multiple of dim={dim}")
    return torch.from_numpy(data.reshape(-1, dim))


def score(args, model):
    """End to end: read each part file, score it in batches (the chapter's per-row MSE), append to one output."""
    model.eval()
    rows = 0
    start = time.perf_counter()
    with torch.no_grad(), open(args.output, "wb") as out:
        for path in parts(args.input):
            x = read_rows(path, args.dim)
            scores = torch.empty(x.shape[0])
            for i in range(0, x.shape[0], args.batch):
                batch = x[i:i + args.batch]
                scores[i:i + args.batch] = torch.mean((batch - model(batch)) ** 2, dim=1)
            scores.numpy().astype("<f8").tofile(out)
            rows += x.shape[0]
    seconds = time.perf_counter() - start
    return {"mode": "score", "rows": rows, "seconds": seconds, "rows_per_s": rows / seconds, "batch": args.batch}


def train(args, model):
    """The chapter's loop: Adam(lr), MSELoss, shuffled mini-batches; samples/s per epoch and the final epoch loss."""
    x = torch.cat([read_rows(p, args.dim) for p in parts(args.input)])[: args.rows or None]
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x), batch_size=args.batch, shuffle=True)
    criterion = nn.MSELoss()
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    losses, rates = [], []
    for _ in range(args.epochs):
        model.train()
        start = time.perf_counter()
        total = 0.0
        for (batch,) in loader:
            loss = criterion(model(batch), batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        rates.append(x.shape[0] / (time.perf_counter() - start))
        losses.append(total / len(loader))
    return {"mode": "train", "rows": int(x.shape[0]), "epochs": args.epochs, "batch": args.batch,
            "samples_per_s": sum(rates) / len(rates), "final_loss": losses[-1], "losses": losses}


def sgemm(args):
    """GFLOP/s of a size^3 fp32 matrix product, PyTorch and numpy (Debian's OpenBLAS), best of several."""
    n = args.size
    a, b = torch.rand(n, n), torch.rand(n, n)
    result = {"mode": "sgemm", "size": n}
    for name, mm in (("torch", lambda: torch.mm(a, b)), ("numpy", lambda: np.dot(a.numpy(), b.numpy()))):
        mm()
        best = float("inf")
        for _ in range(args.repeats):
            start = time.perf_counter()
            mm()
            best = min(best, time.perf_counter() - start)
        result[name + "_gflops"] = 2.0 * n ** 3 / best / 1e9
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["score", "train", "sgemm"])
    p.add_argument("--input", help="directory of part-*.f32 files")
    p.add_argument("--output", default="/dev/null", help="score: file of float64 scores")
    p.add_argument("--dim", type=int, default=784)
    p.add_argument("--hidden", default="256,128,64", help="encoder sizes (the chapter's example: 256,128,64)")
    p.add_argument("--batch", type=int, default=4096)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--rows", type=int, default=0, help="train: first rows only (0 = all)")
    p.add_argument("--lr", type=float, default=0.001)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--size", type=int, default=1024)
    p.add_argument("--repeats", type=int, default=10)
    p.add_argument("--seed", type=int, default=42)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    if args.mode == "sgemm":
        result = sgemm(args)
    else:
        model = Autoencoder(args.dim, [int(h) for h in args.hidden.split(",")])
        result = score(args, model) if args.mode == "score" else train(args, model)
    result["threads"] = torch.get_num_threads()
    result["torch"] = torch.__version__
    print(json.dumps(result))


if __name__ == "__main__":
    main()
