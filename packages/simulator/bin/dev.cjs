#!/usr/bin/env node
// The midtrans-simulator command from the sources (development and tests): tsx compiles the
// TypeScript, so no build is needed. The published command is bin/midtrans-simulator.cjs, which
// runs the built dist/cli.js.
'use strict';
const { join } = require('node:path');
process.env.TSX_TSCONFIG_PATH = process.env.TSX_TSCONFIG_PATH || join(__dirname, '..', 'tsconfig.build.json');
require('tsx/cjs');
require('../src/cli.ts').main();
