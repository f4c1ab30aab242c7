/*
 * The customer's satisfaction survey (issue 9, step 5), opened from the link in the mail, the
 * chat, or as read out by an operator: 1–5 and a comment, in the case's language (VI/EN). Plain
 * TypeScript: the page is small and must load fast. The link is the only key (no sign-in); the
 * server decides everything (single use, expiry, a reopened case's old link, staff refused) and
 * this page shows its answer. Text is set with textContent only.
 */
import {
  SURVEY_API_PATH,
  SURVEY_LANGUAGES,
  SURVEY_RATING_MAX,
  SURVEY_RATING_MIN,
  SURVEY_REFUSALS,
  SURVEY_TEXTS,
  type SurveyAnswerView,
  type SurveyFormView,
  type SurveyLanguage,
  type SurveyRefusal,
  type SurveyTexts,
} from '@cg/contracts';
import { loadSession } from '../app/session';

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el as T;
};

const token = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');
const api = `${SURVEY_API_PATH}/${encodeURIComponent(token)}`;
let lang: SurveyLanguage = navigator.language?.toLowerCase().startsWith('en') ? 'en' : 'vi';
let texts: SurveyTexts = SURVEY_TEXTS[lang];

const isLanguage = (v: unknown): v is SurveyLanguage => (SURVEY_LANGUAGES as readonly unknown[]).includes(v);
const isRefusal = (v: unknown): v is SurveyRefusal => (SURVEY_REFUSALS as readonly unknown[]).includes(v);

/**
 * A browser signed in to the staff console (this tab's session) says so: the server refuses
 * staff. It also refuses on the console's session cookie, which the browser sends by itself.
 */
function headers(json: boolean): HeadersInit {
  const staff = loadSession();
  return {
    Accept: 'application/json',
    ...(json ? { 'Content-Type': 'application/json' } : {}),
    ...(staff ? { Authorization: `Bearer ${staff.token}` } : {}),
  };
}

function setLanguage(l: SurveyLanguage): void {
  lang = l;
  texts = SURVEY_TEXTS[l];
  document.documentElement.lang = l;
  document.title = texts.title;
  $('sv-title').textContent = texts.title;
}

function show(state: 'form' | 'done' | 'refused'): void {
  const main = $('sv');
  main.dataset.state = state;
  main.removeAttribute('aria-busy');
  $('sv-loading').hidden = true;
  $('sv-form').hidden = state !== 'form';
  $('sv-done').hidden = state !== 'done';
  $('sv-refused').hidden = state !== 'refused';
}

function showRefusal(code: SurveyRefusal): void {
  const r = texts.refused[code];
  $('sv-refused').dataset.code = code;
  $('sv-refused-title').textContent = r.title;
  $('sv-refused-detail').textContent = r.detail;
  show('refused');
  $('sv-refused-title').focus();
}

/** The problem document's code (our refusals) and the case's language (Content-Language). */
async function refusalOf(res: Response): Promise<SurveyRefusal | null> {
  const language = res.headers.get('content-language');
  if (isLanguage(language)) setLanguage(language);
  const body = (await res.json().catch(() => null)) as { type?: string } | null;
  const code = body?.type?.split(':').pop();
  return isRefusal(code) ? code : null;
}

function renderForm(view: SurveyFormView): void {
  setLanguage(view.language);
  $('sv-intro').textContent = texts.intro(view.caseNumber);
  $('sv-legend').textContent = texts.ratingLegend;
  const ratings = $('sv-ratings');
  ratings.replaceChildren();
  for (let r = SURVEY_RATING_MIN; r <= SURVEY_RATING_MAX; r++) {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = 'rating';
    input.value = String(r);
    input.required = true;
    input.setAttribute('aria-describedby', 'sv-rating-error');
    const text = document.createElement('span');
    text.textContent = texts.ratingLabels[r - 1] ?? String(r);
    label.append(input, text);
    ratings.append(label);
  }
  $('sv-comment-label').textContent = texts.comment;
  $('sv-comment-hint').textContent = texts.commentHint;
  const until = new Date(view.expiresAt).toLocaleDateString(lang === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: 'Asia/Ho_Chi_Minh' });
  $('sv-valid').textContent = texts.validUntil(until);
  $('sv-submit').textContent = texts.submit;
  ratings.addEventListener('change', () => ($('sv-rating-error').hidden = true));
  show('form');
  $<HTMLFormElement>('sv-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void submit();
  });
}

async function submit(): Promise<void> {
  const form = $<HTMLFormElement>('sv-form');
  const button = $<HTMLButtonElement>('sv-submit');
  const ratingError = $('sv-rating-error');
  const error = $('sv-error');
  error.hidden = true;
  const chosen = form.querySelector<HTMLInputElement>('input[name="rating"]:checked');
  if (!chosen) {
    ratingError.textContent = texts.ratingRequired;
    ratingError.hidden = false;
    form.querySelector<HTMLInputElement>('input[name="rating"]')?.focus();
    return;
  }
  ratingError.hidden = true;
  const comment = $<HTMLTextAreaElement>('sv-comment').value.trim();
  button.disabled = true;
  button.textContent = texts.submitting;
  try {
    const res = await fetch(api, {
      method: 'POST',
      headers: headers(true),
      credentials: 'same-origin',
      body: JSON.stringify({ rating: Number(chosen.value), ...(comment ? { comment } : {}) }),
    });
    if (res.status === 201) {
      const answered = (await res.json()) as SurveyAnswerView;
      $('sv-done-title').textContent = texts.thanks;
      $('sv-done-detail').textContent = texts.thanksDetail(answered.caseNumber);
      show('done');
      $('sv-done-title').focus();
      return;
    }
    const refusal = await refusalOf(res);
    if (refusal) return showRefusal(refusal);
    throw new Error(`HTTP ${res.status}`);
  } catch {
    error.textContent = texts.failed;
    error.hidden = false;
    button.disabled = false;
    button.textContent = texts.submit;
  }
}

async function start(): Promise<void> {
  setLanguage(lang);
  $('sv-loading').textContent = lang === 'vi' ? 'Đang tải…' : 'Loading…';
  for (const id of ['sv-refused-title', 'sv-done-title']) $(id).tabIndex = -1;
  try {
    const res = await fetch(api, { headers: headers(false), credentials: 'same-origin' });
    if (res.ok) return renderForm((await res.json()) as SurveyFormView);
    const refusal = await refusalOf(res);
    showRefusal(refusal ?? 'survey_link_invalid');
  } catch {
    $('sv-loading').textContent = texts.failed;
  }
}

void start();
