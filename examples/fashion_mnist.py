"""Train an MLP on real Fashion-MNIST and report test accuracy and training time.

The data comes from Debian's dataset-fashion-mnist package
(/usr/share/datasets/fashion-mnist), from $PYNN_DATA/fashion-mnist or the
user cache, or is downloaded (see pynn.datasets).  Usage:

    python examples/fashion_mnist.py [--epochs 30] [--dtype float32]

Reference points from the Fashion-MNIST paper and README: scikit-learn's
MLPClassifier 0.871, the best MLP listed 0.8833.
"""
import argparse
import time

import pynn


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    data = pynn.datasets.load("fashion-mnist", dtype=args.dtype)
    net = pynn.Network([784, 256, 10], cost="log_likelihood", activation="relu", init="he",
                       dtype=args.dtype, seed=args.seed)

    def report(epoch, metrics):
        print(f"epoch {epoch:2d}  validation accuracy {metrics['evaluation_accuracy'] / 10000:.4f}"
              f"  eta {metrics['eta']:.6f}", flush=True)

    start = time.perf_counter()
    net.SGD(data.train, args.epochs, 64, 0.001, lmbda=5.0, optimizer="adam", dropout=0.2,
            evaluation_data=data.validation, lr_schedule="halve_on_plateau", patience=2,
            early_stopping=6, callback=report, seed=args.seed + 1)
    seconds = time.perf_counter() - start
    accuracy = net.accuracy(data.test) / len(data.test[1])
    print(f"test accuracy {accuracy:.4f}; training took {seconds:.1f} s "
          f"({len(data.train[1])} training images, [784, 256, 10], adam, dropout 0.2, {args.dtype})")


if __name__ == "__main__":
    main()
