"""``python -m helpdesk``: the same commands as the ``helpdesk`` console script."""

from helpdesk.command import main

main()
