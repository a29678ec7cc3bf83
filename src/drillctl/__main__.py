from drillctl.cli.app import main

main()
