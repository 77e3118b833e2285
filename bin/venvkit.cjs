#!/usr/bin/env node
// venvkit's command (package.json `bin`): a Node file, so npm's command shims run it everywhere,
// Windows included (its cmd/ps1 shims start `node` with this file; a sh script they cannot run).
'use strict';
require('../dist/cli.cjs');
