import sys

from mealplan.cli import main

sys.exit(main())
