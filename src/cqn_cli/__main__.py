from cqn_cli.cli.app import main

main()
