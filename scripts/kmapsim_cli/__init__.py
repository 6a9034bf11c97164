"""kmapsim's command line (scripts/kmapsim): one module per subcommand, and
the pieces they share (common, builds, subject_cache, crash_file, driver,
findings, packages). Entry point: main.main()."""
