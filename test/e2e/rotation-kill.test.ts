/**
 * SIGKILL at four moments of a rotation over an 80 ms link, keys kept in
 * profiles: both profiles end on one key, nothing pending, chat works
 * (_rotation-kill.ts has the suite).
 */
import { profiles, rotationKillSuite } from './_rotation-kill.js';

rotationKillSuite('profiles', profiles);
