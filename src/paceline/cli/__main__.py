"""``python -m paceline.cli`` runs the command line."""

from paceline.cli.app import main

if __name__ == "__main__":
    main()
