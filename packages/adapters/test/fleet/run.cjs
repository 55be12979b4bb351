#!/usr/bin/env node
// Runs one of the fleet's TypeScript scripts in this very process (tsx compiles it; the root
// tsconfig's paths resolve @paystate/*), so the child's pid is the script's: a kill -9 of it kills
// the subscriber itself. Usage: node run.cjs SCRIPT.ts CONFIG_JSON
'use strict';
const { join, resolve } = require('node:path');
process.env.TSX_TSCONFIG_PATH = process.env.TSX_TSCONFIG_PATH || join(__dirname, '..', '..', '..', '..', 'tsconfig.json');
require('tsx/cjs');
process.argv.splice(1, 1);
require(resolve(__dirname, process.argv[1]));
