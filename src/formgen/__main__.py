from formgen.cli import run

run()
