/** The nick rule lives in text/nick.ts, where the UI and headless mode apply it to the nicks a peer sends too. */
export { nickProblem } from '../text/nick.js';
