#!/usr/bin/env node
// The `gosyscall` command: the bundled CLI (npm run build makes dist/cli.js).
require('../dist/cli.js');
