from formgen.cli import main

main()
