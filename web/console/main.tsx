import { render } from 'preact';
import { Console } from './components/Console';

const root = document.getElementById('console');
if (root) {
  root.textContent = '';
  render(<Console devSignIn={root.dataset.devSignIn === 'true'} />, root);
}
