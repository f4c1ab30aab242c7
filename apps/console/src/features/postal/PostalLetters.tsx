import { useState } from 'preact/hooks';
import { useConsole } from '../../app/context';
import type { Route } from '../../app/router';
import { LetterList } from './LetterList';
import { LetterVerification } from './LetterVerification';
import { ScanUpload } from './ScanUpload';
import './postal.css';

/** The postal clerk's screen: upload scans, the letters to verify, and one letter's verification. */
export function PostalLetters({ route }: { route: Extract<Route, { screen: 'postal' }> }) {
  const { can } = useConsole();
  const [uploads, setUploads] = useState(0);
  if (route.letterId) return <LetterVerification letterId={route.letterId} />;
  return (
    <div id="postal">
      {can('postal:upload') && <ScanUpload onUploaded={() => setUploads((n) => n + 1)} />}
      <LetterList refresh={uploads} />
    </div>
  );
}
