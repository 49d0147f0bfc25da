"""Stories: Gherkin user stories generated from feature descriptions."""
