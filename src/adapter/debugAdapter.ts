// Placeholder until src/adapter is written (owned by the adapter work).
process.stderr.write('gosyscall debug adapter: not built yet\n');
process.exit(1);
