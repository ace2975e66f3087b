import { createClient } from '@mizan/base';
import { createMizan } from '@mizan/vue';
import { createApp } from 'vue';
import App from './App.vue';
import './style.css';

// Same origin, session cookies and CSRF; `broadcast` shares invalidations
// and sign-in/out with the user's other tabs.
const client = createClient({ broadcast: true });

createApp(App).use(createMizan(client)).mount('#app');
