from sgraph.cli import main

main()
