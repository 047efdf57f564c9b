// Placeholder until the config schema lands: writes nothing.
