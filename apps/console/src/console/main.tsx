import { render } from 'preact';
import { App } from '../app/App';
import './console.css';

render(<App />, document.getElementById('root')!);
