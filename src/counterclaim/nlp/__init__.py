"""The nlp stage: the English spaCy pipeline plus counterclaim's components."""
