from cqn_cli.entry import main

main()
