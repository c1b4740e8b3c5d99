/**
 * The search prompt on screen: a row over the input line while a search is
 * open (ScrollbackSearch.bar() says what it shows). Created after the input
 * box, so it paints over it; hidden otherwise.
 */
import type blessed from 'blessed';
import { createRowsBox, type RowsBox } from './draw.js';

export class SearchBar {
  private readonly box: RowsBox;

  constructor(parent: blessed.Widgets.Screen) {
    this.box = createRowsBox({ parent, left: 0, width: '100%', height: 1, top: 0, hidden: true });
  }

  /** Shows `row` at `top` over `height` rows (the input box's), the rest blank. */
  place(top: number, height: number, row: string): void {
    const el = this.box.element;
    el.top = top;
    el.height = Math.max(1, height);
    this.box.setRows([row, ...new Array<string>(Math.max(0, height - 1)).fill('')]);
    el.show();
  }

  hide(): void {
    this.box.element.hide();
  }
}
