// Page object for the widget on a host page: what a customer sees and does. Playwright's CSS
// and test-id locators pierce the widget's open shadow root.
export class WidgetPage {
  constructor(page) {
    this.page = page;
    this.bubble = page.getByTestId('bubble');
    this.panel = page.getByTestId('panel');
    this.input = page.getByTestId('input');
    this.log = page.getByTestId('log');
  }

  async goto(url) {
    await this.page.goto(url);
    await this.bubble.waitFor({ state: 'visible' });
  }

  async open() {
    await this.bubble.click();
    await this.panel.waitFor({ state: 'visible' });
  }

  async send(text) {
    await this.input.fill(text);
    await this.page.getByTestId('send').click();
  }

  messages(author) {
    return this.page.locator(`[data-testid=msg][data-author=${author}]`);
  }

  async texts(author) {
    return this.messages(author).locator('.text').allInnerTexts();
  }

  /** The visitor's stored conversation (id and token), read from the page's storage. */
  async stored() {
    return this.page.evaluate(() => {
      const k = Object.keys(localStorage).find((x) => x.startsWith('tandem:'));
      return k ? JSON.parse(localStorage.getItem(k)) : null;
    });
  }
}
