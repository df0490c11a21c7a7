/** Entry point of the dashboard bundle (loaded by index.html as a module, no inline script). */
import { render } from 'preact';
import { App } from './app.js';

render(<App />, document.getElementById('app')!);
