from drillctl.cli import main

main()
