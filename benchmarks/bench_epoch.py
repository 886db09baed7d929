"""The speed table (see pynn/bench.py):  python benchmarks/bench_epoch.py --help"""
from pynn.bench import main

if __name__ == "__main__":
    main()
