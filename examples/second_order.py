"""First-order rules against second-order training on two small problems: the
universal-approximation regression (f(x) = sin(3x) + 0.3 x^2 on [-2, 2], a
[1, 16, 1] tanh network) and the shipped digits ([64, 16, 10] tanh, softmax).

SGD, momentum and adam (mini-batches of 20) against full-batch L-BFGS and the
damped Hessian-free Newton method of pynn/second_order.py, all from the same
initial weights.  For each method, the training cost after each epoch /
iteration against the training seconds and against the passes over the data
(a gradient or a mini-batch epoch is one pass; a Hessian-vector product four).
Prints a table (the cost each method ends at, its time and passes, and the
time it took to get within 1% of the best cost any method reached) and, with
--plot FILE.png, draws the curves.

    python examples/second_order.py [--plot second_order.png]
"""
import argparse
import time

import numpy as np

import pynn


def problems():
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, size=(400, 1))
    digits = pynn.datasets.load("digits", dtype="float64")
    return {
        "regression": dict(sizes=[1, 16, 1], cost="quadratic", output="identity",
                           data=(x, np.sin(3 * x) + 0.3 * x ** 2), lmbda=0.0),
        "digits": dict(sizes=[64, 16, 10], cost="log_likelihood", output="softmax",
                       data=(digits.train[0], np.eye(10)[digits.train[1]]), lmbda=0.1),
    }


# name: (how to train, budget) -- the first-order rules in epochs, the others in iterations
METHODS = {
    "sgd": ("SGD", dict(optimizer="sgd", eta=0.1), 300),
    "momentum": ("SGD", dict(optimizer="momentum", eta=0.02), 300),
    "adam": ("SGD", dict(optimizer="adam", eta=0.01), 300),
    "lbfgs": ("lbfgs", {}, 300),
    "newton": ("newton", {}, 30),
}


def run(problem, method):
    """[(seconds so far, passes so far, training cost)] after each epoch / iteration."""
    kind, options, budget = METHODS[method]
    net = pynn.Network(problem["sizes"], problem["cost"], activation="tanh",
                       output_activation=problem["output"], init="xavier", seed=1)
    data, lmbda = problem["data"], problem["lmbda"]
    points = [(0.0, 0, net.total_cost(data, lmbda))]
    state = {"seconds": 0.0, "passes": 0}

    def record(step, metrics):
        state["seconds"] += metrics["seconds"]  # training time only: this callback is left out
        state["passes"] = metrics.get("evaluations", step)
        points.append((state["seconds"], state["passes"], net.total_cost(data, lmbda)))

    if kind == "SGD":
        net.SGD(data, budget, 20, options["eta"], lmbda=lmbda, optimizer=options["optimizer"],
                seed=2, callback=record)
    elif kind == "lbfgs":
        net.lbfgs(data, budget, lmbda=lmbda, tol=0.0, callback=record)
    else:
        net.newton(data, budget, lmbda=lmbda, callback=record)
    return points


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", metavar="FILE.png")
    args = parser.parse_args()
    results = {name: {method: run(problem, method) for method in METHODS}
               for name, problem in problems().items()}
    print(f"{'problem':<11} {'method':<9} {'final cost':>11} {'seconds':>8} {'passes':>7} "
          f"{'s to 1% of best':>16}")
    for name, runs in results.items():
        best = min(cost for points in runs.values() for _, _, cost in points)
        for method, points in runs.items():
            within = next((s for s, _, c in points if c <= best * 1.01), None)
            seconds, passes, cost = points[-1]
            print(f"{name:<11} {method:<9} {cost:>11.5f} {seconds:>8.3f} {passes:>7} "
                  f"{'-' if within is None else f'{within:.3f}':>16}")
    if args.plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        figure, axes = plt.subplots(2, 2, figsize=(11, 8))
        for row, (name, runs) in zip(axes, results.items()):
            for method, points in runs.items():
                seconds, passes, costs = zip(*points)
                row[0].plot(seconds, costs, label=method)
                row[1].plot(passes, costs, label=method)
            for ax, xlabel in zip(row, ("training seconds", "passes over the data")):
                ax.set(xlabel=xlabel, ylabel="training cost", yscale="log", title=name)
                if xlabel.startswith("passes"):
                    ax.set_xscale("symlog", linthresh=1)
                ax.set_xlim(left=0)
                ax.grid(alpha=0.3)
                ax.legend()
        figure.tight_layout()
        figure.savefig(args.plot, dpi=100)
        print(f"drew {args.plot}")


if __name__ == "__main__":
    main()
