"""The domain: mealplan's vocabulary, plan and diagnosis models, fixed wording and the rules
that more than one module applies (the energy range). It imports nothing else of mealplan, so
every other module may import it."""
