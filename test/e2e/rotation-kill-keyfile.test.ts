/**
 * SIGKILL at four moments of a rotation over an 80 ms link, keys kept in
 * --key-file files (issue 12, part 2: the key file is the profile of such a
 * session): both files end on one key, one line, 0600; chat works
 * (_rotation-kill.ts has the suite).
 */
import { keyFiles, rotationKillSuite } from './_rotation-kill.js';

rotationKillSuite('--key-file sessions', keyFiles);
