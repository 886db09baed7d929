"""A hyper-parameter search of PynnClassifier on a Dask cluster.

scikit-learn's GridSearchCV farms its fits out through joblib; joblib's
"dask" backend sends them to a Dask cluster, which may span many machines.
This is how pynn scales out: nothing pynn-specific is needed.  Here the
cluster is a LocalCluster; point a Client at a real scheduler instead.

    python examples/dask_search.py
"""
import joblib
from sklearn.model_selection import GridSearchCV

import pynn
from pynn.sklearn import PynnClassifier

GRID = {"hidden_layer_sizes": [(16,), (32,)], "eta": [0.003, 0.01]}


def search(backend="loky", n_jobs=2):
    """Best parameters and cross-validated accuracy on the embedded digits."""
    X, y = pynn.datasets.load("digits").train
    grid = GridSearchCV(PynnClassifier(epochs=40, random_state=0), GRID, cv=3, n_jobs=n_jobs)
    with joblib.parallel_backend(backend):
        grid.fit(X, y)
    return grid


def main():
    from dask.distributed import Client, LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster):
        grid = search("dask", n_jobs=-1)
    print(f"best {grid.best_params_}: cross-validated accuracy {grid.best_score_:.4f}")


if __name__ == "__main__":
    main()
