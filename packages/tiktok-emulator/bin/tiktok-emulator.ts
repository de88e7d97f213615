#!/usr/bin/env node
// `tiktok-emulator [--port N --seed S --advertisers N …]`: the local TikTok API for Business emulator in its own
// process. Prints its base URL as the first line of stdout and serves until SIGTERM/SIGINT; bad flags print the
// usage and exit 2. Node >= 22.18 runs this .ts file as it is (type stripping).

import { runEmulatorCommand } from '../src/command.ts';

await runEmulatorCommand(process.argv.slice(2));
