"""The model and its experiments in the field's formats: SBML, SED-ML, OMEX, COPASI."""
