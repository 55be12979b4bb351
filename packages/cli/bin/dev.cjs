#!/usr/bin/env node
// The paystate command from the workspace's sources (development and tests): tsx compiles the
// TypeScript, and the root tsconfig's `paths` resolve @paystate/* to their sources, so no build
// is needed. The published command is bin/paystate.cjs, which runs the built dist/main.js.
'use strict';
const { join } = require('node:path');
process.env.TSX_TSCONFIG_PATH = process.env.TSX_TSCONFIG_PATH || join(__dirname, '..', '..', '..', 'tsconfig.json');
require('tsx/cjs');
require('../src/main.ts').main();
