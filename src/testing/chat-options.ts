/**
 * ChatOptions with test defaults, for the tests and the bench that open real
 * sessions (app/session.ts openSession) without a profile: headless, reliable
 * wire, default clock skew and token TTL, no bell/title/mouse.
 */
import type { Address } from '../address/address.js';
import type { ChatOptions } from '../config/chat-options.js';
import { DEFAULT_CLOCK_SKEW_S, DEFAULT_TOKEN_TTL_S } from '../constants.js';

export function testChatOptions(o: Partial<ChatOptions> & { listen: Address; key: Buffer }): ChatOptions {
  return {
    profileName: null,
    nick: 'tester',
    peer: null,
    wire: 'reliable',
    clockSkewS: DEFAULT_CLOCK_SKEW_S,
    tokenTtlS: DEFAULT_TOKEN_TTL_S,
    ui: { scrollback: 1000, bell: false, title: false, mouse: false, term: null, seconds: false },
    headless: true,
    json: false,
    lingerS: 5,
    debug: false,
    ...o,
  };
}
