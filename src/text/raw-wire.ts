/**
 * Why there are no file transfers on the raw wire: the one sentence the
 * transfer service (/send, an offer) and the slash commands show.
 *
 * The transport refuses a control message with the same words
 * (net/send-path.ts's RAW_WIRE_CONTROL_REASON): net may import no text
 * rules, so it holds its own copy, and test/unit/raw-wire.test.ts checks
 * that the two are the same.
 */
export const RAW_WIRE_REFUSAL = 'file transfer needs the reliable wire (this chat uses --wire raw)';
