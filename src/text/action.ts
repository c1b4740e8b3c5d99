/**
 * An action (/me waves) as plain text: `* alice waves`. It is how the raw
 * wire sends one (net/send-path.ts, so a plain Fernet chat script shows it
 * as it is), and how a room sends one, since a room line is text only: a
 * headless member prints `<alice> * alice waves`, the room screen
 * recognises it and shows `* alice waves`. Pure.
 */

/** The text that carries `action` by `nick`. */
export function actionText(nick: string, action: string): string {
  return `* ${nick} ${action}`;
}

/** The action in `text` when it is one by `nick` (`* nick …`, the sender's own nick), else null. */
export function parseActionText(text: string, nick: string): string | null {
  const prefix = `* ${nick} `;
  if (nick === '' || !text.startsWith(prefix)) return null;
  const action = text.slice(prefix.length);
  return action.trim() === '' ? null : action;
}
