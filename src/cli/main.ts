// Placeholder until src/cli is written (owned by the machine/CLI work).
process.stderr.write('gosyscall: not built yet\n');
process.exit(2);
