# The two set-up commands of the README. Each does all the set-up (scripts/setup.sh) first.
.PHONY: demo test setup lint

demo: setup
	.venv/bin/mockint practice --demo

test: setup
	scripts/test.sh

setup:
	scripts/setup.sh

lint:
	scripts/lint.sh
