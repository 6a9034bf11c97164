"""python3 -m kmapsim_cli (what scripts/kmapsim runs)."""
import sys

from kmapsim_cli.main import main

sys.exit(main())
