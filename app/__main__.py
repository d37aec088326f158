"""`python -m app` does what the `backprop-xor` command does."""

from app.cli.main import main

raise SystemExit(main())
