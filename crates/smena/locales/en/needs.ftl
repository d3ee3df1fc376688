needs-heading = Health and diet
needs-link = Health and diet (allergies, diet, medication)
needs-explain = This is kept encrypted. Only the chaperones of the child's group and the camp's medical staff see it, and each reading is recorded. The coordinator and the school do not see it.
needs-saved = Saved.
needs-allergies = Allergies
needs-diet = Diet
needs-medication = Medication
needs-medication-how = one per line: name, dose, when to take it
needs-notes = Anything else to know about the child's health
needs-too-long = { $field } may have at most { $n } characters.
needs-choose-diet = Choose a diet from the list.
needs-confidential = Health information, for those responsible for these children only. This reading is recorded.
needs-sessions-heading = Children's health and diet
needs-no-sessions = No session where you are responsible for children yet.
diet-none = no special diet
diet-vegetarian = vegetarian
diet-vegan = vegan
diet-halal = halal
diet-no_pork = no pork
diet-gluten_free = gluten-free
diet-lactose_free = lactose-free
diets-heading = Diets by session
diets-explain = How many children of each session need a special diet, without names. Ask the camp's medical staff about allergies.
diets-none = nobody needs a special diet
diets-allergies = { $n ->
    [one] with an allergy: { $n } child
   *[other] with an allergy: { $n } children
}
diets-no-children = Nobody travels to your camp's sessions yet.
