// The entity graph (cytoscape) and the ontology beside it.
import { clear, code, el, empty, table } from './dom.js';

const PALETTE = ['#3659e3', '#e04f5f', '#12b76a', '#f79009', '#7a5af8', '#06aed4', '#ee46bc', '#667085'];
let cy = null;
let selected = null;

function colour(type, types) {
  return PALETTE[Math.max(0, types.indexOf(type)) % PALETTE.length];
}

function showNode(details, data) {
  selected = data.id;
  clear(details,
    el('div', {}, el('strong', {}, data.label), ` (${data.type})`),
    el('div', {}, code(data.id)),
    table([{ title: 'property', cell: (p) => p[0] }, { title: 'value', cell: (p) => code(p[1]) }],
      Object.entries(data.properties), { id: 'node-properties' }));
}

export function renderGraph(view) {
  const container = document.getElementById('graph');
  const details = document.getElementById('node-details');
  const types = [...new Set(view.nodes.map((n) => n.type))].sort();
  const elements = [
    ...view.nodes.map((n) => ({ group: 'nodes', data: { ...n, colour: colour(n.type, types) } })),
    ...view.edges.map((e) => ({ group: 'edges', data: e })),
  ];
  if (cy === null) {
    cy = window.cytoscape({
      container,
      style: [
        { selector: 'node', style: { 'background-color': 'data(colour)', label: 'data(label)', 'font-size': 11 } },
        { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#1d2330' } },
        { selector: 'edge', style: { label: 'data(type)', 'font-size': 9, width: 2, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'line-color': '#98a2b3', 'target-arrow-color': '#98a2b3' } },
      ],
    });
    cy.on('tap', 'node', (event) => showNode(details, event.target.data()));
    window.consoleGraph = cy; // for the browser tests and the curious
  }
  cy.resize();
  cy.batch(() => {
    cy.elements().remove();
    cy.add(elements);
  });
  cy.layout({ name: 'cose', animate: false, randomize: false, nodeDimensionsIncludeLabels: true }).run();
  cy.fit(undefined, 40);
  if (cy.zoom() > 1.5) { cy.zoom(1.5); cy.center(); } // a few nodes: no giant circles
  const again = selected && cy.getElementById(selected);
  if (again && again.nonempty()) showNode(details, again.data());
  renderOntology(view.ontology, types);
}

function renderOntology(ontology, types) {
  const root = document.getElementById('ontology');
  const entityTypes = ontology.entity_types;
  clear(root,
    el('p', {}, `Version ${ontology.version}`),
    entityTypes.length ? table([
      { title: 'entity type', cell: (t) => el('span', { style: `color: ${colour(t.id, types)}` }, t.id) },
      { title: 'parent', cell: (t) => t.parent || '' },
      { title: 'properties', cell: (t) => Object.keys(t.properties || {}).join(', ') },
    ], entityTypes, { id: 'entity-types' }) : empty('No ontology uploaded.'),
    ontology.relation_types.length ? table([
      { title: 'relation type', cell: (t) => t.id },
      { title: 'from', cell: (t) => (t.from_types || []).join(', ') },
      { title: 'to', cell: (t) => (t.to_types || []).join(', ') },
    ], ontology.relation_types, { id: 'relation-types' }) : null);
}
