"""The storefront's and Returns Support Centre's words in the marketplaces' languages.

``python locale/translations.py`` fills the .po catalogues from this table and compiles
them (polib), so the translations live in one reviewable place; run ``manage.py
makemessages`` first when templates change. Order per entry: fr, de, it, es.
"""

from pathlib import Path

import polib

LANGUAGES = ["fr", "de", "it", "es"]
T = {
    "Reason for return": ("Motif du retour", "Rücksendegrund", "Motivo del reso", "Motivo de la devolución"),
    "- select a reason -": (
        "- choisissez un motif -",
        "- Grund auswählen -",
        "- seleziona un motivo -",
        "- selecciona un motivo -",
    ),
    "Quantity to return": (
        "Quantité à retourner",
        "Rücksendemenge",
        "Quantità da restituire",
        "Cantidad a devolver",
    ),
    "Comments (optional)": (
        "Commentaires (facultatif)",
        "Kommentare (optional)",
        "Commenti (facoltativo)",
        "Comentarios (opcional)",
    ),
    "200 characters maximum, including spaces and carriage returns": (
        "200 caractères maximum, espaces et retours à la ligne compris",
        "Höchstens 200 Zeichen, einschließlich Leerzeichen und Zeilenumbrüchen",
        "Massimo 200 caratteri, inclusi spazi e a capo",
        "Máximo 200 caracteres, incluidos espacios y saltos de línea",
    ),
    "Select a reason for return for at least one item.": (
        "Choisissez un motif de retour pour au moins un article.",
        "Wählen Sie für mindestens einen Artikel einen Rücksendegrund.",
        "Seleziona un motivo di reso per almeno un articolo.",
        "Selecciona un motivo de devolución para al menos un artículo.",
    ),
    "Accidental order": (
        "Commande passée par erreur",
        "Versehentlich bestellt",
        "Ordine effettuato per errore",
        "Pedido realizado por error",
    ),
    "Better price available": (
        "Meilleur prix disponible",
        "Günstigerer Preis verfügbar",
        "Prezzo migliore disponibile",
        "Mejor precio disponible",
    ),
    "Performance or quality not adequate": (
        "Performances ou qualité insuffisantes",
        "Leistung oder Qualität ungenügend",
        "Prestazioni o qualità non adeguate",
        "Rendimiento o calidad no adecuados",
    ),
    "Incompatible or not useful for intended purpose": (
        "Incompatible ou inadapté à l'usage prévu",
        "Inkompatibel oder für den vorgesehenen Zweck ungeeignet",
        "Incompatibile o non adatto all'uso previsto",
        "Incompatible o no útil para el uso previsto",
    ),
    "The shipping box or envelope isn't damaged but the item is damaged": (
        "L'emballage n'est pas endommagé mais l'article l'est",
        "Die Verpackung ist unbeschädigt, aber der Artikel ist beschädigt",
        "L'imballaggio non è danneggiato ma l'articolo sì",
        "El embalaje no está dañado pero el artículo sí",
    ),
    "Missed estimated delivery date": (
        "Date de livraison estimée dépassée",
        "Voraussichtliches Lieferdatum verpasst",
        "Data di consegna prevista non rispettata",
        "Fecha de entrega estimada incumplida",
    ),
    "Missing parts or accessories": (
        "Pièces ou accessoires manquants",
        "Fehlende Teile oder Zubehör",
        "Parti o accessori mancanti",
        "Faltan piezas o accesorios",
    ),
    "The shipping box or envelope and item are both damaged": (
        "L'emballage et l'article sont tous deux endommagés",
        "Verpackung und Artikel sind beide beschädigt",
        "Sia l'imballaggio sia l'articolo sono danneggiati",
        "Tanto el embalaje como el artículo están dañados",
    ),
    "Different from what was ordered": (
        "Différent de ce qui a été commandé",
        "Entspricht nicht der Bestellung",
        "Diverso da quanto ordinato",
        "Diferente de lo que se pidió",
    ),
    "Defective/Does not work properly": (
        "Défectueux/Ne fonctionne pas correctement",
        "Defekt/Funktioniert nicht richtig",
        "Difettoso/Non funziona correttamente",
        "Defectuoso/No funciona correctamente",
    ),
    "Arrived in addition to what was ordered": (
        "Reçu en plus de ce qui a été commandé",
        "Zusätzlich zur Bestellung geliefert",
        "Arrivato in aggiunta a quanto ordinato",
        "Recibido además de lo pedido",
    ),
    "No longer needed/wanted": (
        "Plus nécessaire/souhaité",
        "Nicht mehr benötigt/gewollt",
        "Non più necessario/desiderato",
        "Ya no lo necesito/quiero",
    ),
    "Unauthorized purchase": (
        "Achat non autorisé",
        "Nicht autorisierter Kauf",
        "Acquisto non autorizzato",
        "Compra no autorizada",
    ),
    "Different from website description": (
        "Différent de la description du site",
        "Entspricht nicht der Beschreibung auf der Website",
        "Diverso dalla descrizione sul sito",
        "Diferente de la descripción del sitio web",
    ),
    "Return requested for order %(order_id)s": (
        "Retour demandé pour la commande %(order_id)s",
        "Rücksendung angefordert für Bestellung %(order_id)s",
        "Reso richiesto per l'ordine %(order_id)s",
        "Devolución solicitada para el pedido %(order_id)s",
    ),
    "We have received your return request and the seller has been notified.": (
        "Nous avons bien reçu votre demande de retour et le vendeur en a été informé.",
        "Wir haben Ihre Rücksendeanfrage erhalten und den Verkäufer benachrichtigt.",
        "Abbiamo ricevuto la tua richiesta di reso e il venditore è stato avvisato.",
        "Hemos recibido tu solicitud de devolución y se ha avisado al vendedor.",
    ),
    "The seller will review and respond to your request typically within 48 hours.": (
        "Le vendeur examinera votre demande et y répondra généralement sous 48 heures.",
        "Der Verkäufer prüft Ihre Anfrage und antwortet in der Regel innerhalb von 48 Stunden.",
        "Il venditore esaminerà la richiesta e risponderà in genere entro 48 ore.",
        "El vendedor revisará tu solicitud y responderá normalmente en 48 horas.",
    ),
    "Manage your returns": (
        "Gérer vos retours",
        "Ihre Rücksendungen verwalten",
        "Gestisci i tuoi resi",
        "Gestionar tus devoluciones",
    ),
    "Return authorised for order %(order_id)s: RMA %(rma)s": (
        "Retour autorisé pour la commande %(order_id)s : RMA %(rma)s",
        "Rücksendung genehmigt für Bestellung %(order_id)s: RMA %(rma)s",
        "Reso autorizzato per l'ordine %(order_id)s: RMA %(rma)s",
        "Devolución autorizada para el pedido %(order_id)s: RMA %(rma)s",
    ),
    "Your return has been authorised. Return authorisation number: %(rma)s.": (
        "Votre retour a été autorisé. Numéro d'autorisation de retour : %(rma)s.",
        "Ihre Rücksendung wurde genehmigt. Rücksendenummer: %(rma)s.",
        "Il tuo reso è stato autorizzato. Numero di autorizzazione al reso: %(rma)s.",
        "Tu devolución ha sido autorizada. Número de autorización de devolución: %(rma)s.",
    ),
    "All the items must be returned by %(day)s.": (
        "Tous les articles doivent être retournés avant le %(day)s.",
        "Alle Artikel müssen bis zum %(day)s zurückgesendet werden.",
        "Tutti gli articoli devono essere restituiti entro il %(day)s.",
        "Todos los artículos deben devolverse antes del %(day)s.",
    ),
    "Print the return label and include a copy in your return package.": (
        "Imprimez l'étiquette de retour et joignez-en une copie à votre colis.",
        "Drucken Sie das Rücksendeetikett aus und legen Sie eine Kopie in Ihr Paket.",
        "Stampa l'etichetta di reso e inseriscine una copia nel pacco.",
        "Imprime la etiqueta de devolución e incluye una copia en el paquete.",
    ),
    "Print return label": (
        "Imprimer l'étiquette de retour",
        "Rücksendeetikett drucken",
        "Stampa l'etichetta di reso",
        "Imprimir la etiqueta de devolución",
    ),
    "character remaining|characters remaining": (
        "caractère restant|caractères restants",
        "Zeichen übrig|Zeichen übrig",
        "carattere rimanente|caratteri rimanenti",
        "carácter restante|caracteres restantes",
    ),
    "Previous": ("Précédent", "Zurück", "Precedente", "Anterior"),
    "Page %(number)s of %(total)s": (
        "Page %(number)s sur %(total)s",
        "Seite %(number)s von %(total)s",
        "Pagina %(number)s di %(total)s",
        "Página %(number)s de %(total)s",
    ),
    "Next": ("Suivant", "Weiter", "Successiva", "Siguiente"),
    "Returns Support Centre": (
        "Centre de retours",
        "Rücksendezentrum",
        "Centro resi",
        "Centro de devoluciones",
    ),
    "New Returns": ("Nouveaux retours", "Neue Rücksendungen", "Nuovi resi", "Nuevas devoluciones"),
    "Return or replace items from your purchased orders": (
        "Retourner ou remplacer des articles de vos commandes",
        "Artikel aus Ihren Bestellungen zurücksenden oder ersetzen",
        "Restituisci o sostituisci articoli dei tuoi ordini",
        "Devolver o reemplazar artículos de tus pedidos",
    ),
    "Return items": (
        "Retourner des articles",
        "Artikel zurücksenden",
        "Restituisci articoli",
        "Devolver artículos",
    ),
    "Gift Returns": (
        "Retours de cadeaux",
        "Rücksendung von Geschenken",
        "Resi di regali",
        "Devolución de regalos",
    ),
    "Return or replace items that you received as gifts": (
        "Retourner ou remplacer des articles reçus en cadeau",
        "Als Geschenk erhaltene Artikel zurücksenden oder ersetzen",
        "Restituisci o sostituisci articoli ricevuti in regalo",
        "Devolver o reemplazar artículos recibidos como regalo",
    ),
    "Return a gift": (
        "Retourner un cadeau",
        "Geschenk zurücksenden",
        "Restituisci un regalo",
        "Devolver un regalo",
    ),
    "Your Returns": ("Vos retours", "Ihre Rücksendungen", "I tuoi resi", "Tus devoluciones"),
    "Get the latest information on your current returns": (
        "Suivez vos retours en cours",
        "Aktuelle Informationen zu Ihren Rücksendungen",
        "Le ultime informazioni sui tuoi resi in corso",
        "Información actualizada de tus devoluciones",
    ),
    "Manage returns": (
        "Gérer les retours",
        "Rücksendungen verwalten",
        "Gestisci i resi",
        "Gestionar devoluciones",
    ),
    "Pending Response From Seller": (
        "En attente de réponse du vendeur",
        "Antwort des Verkäufers ausstehend",
        "In attesa di risposta del venditore",
        "Pendiente de respuesta del vendedor",
    ),
    "Return authorised": (
        "Retour autorisé",
        "Rücksendung genehmigt",
        "Reso autorizzato",
        "Devolución autorizada",
    ),
    "%(quantity)s of %(title)s": (
        "%(quantity)s sur %(title)s",
        "%(quantity)s von %(title)s",
        "%(quantity)s di %(title)s",
        "%(quantity)s de %(title)s",
    ),
    "Sold by: %(seller)s": (
        "Vendu par : %(seller)s",
        "Verkauf durch: %(seller)s",
        "Venduto da: %(seller)s",
        "Vendido por: %(seller)s",
    ),
    "Reason for return: %(reason)s": (
        "Motif du retour : %(reason)s",
        "Rücksendegrund: %(reason)s",
        "Motivo del reso: %(reason)s",
        "Motivo de la devolución: %(reason)s",
    ),
    "Details: %(comment)s": (
        "Détails : %(comment)s",
        "Details: %(comment)s",
        "Dettagli: %(comment)s",
        "Detalles: %(comment)s",
    ),
    "Your return has been authorised": (
        "Votre retour a été autorisé",
        "Ihre Rücksendung wurde genehmigt",
        "Il tuo reso è stato autorizzato",
        "Tu devolución ha sido autorizada",
    ),
    "Return authorisation number: <strong>%(rma)s</strong>. All the items must be returned by <strong>%(day)s</strong>.": (
        "Numéro d'autorisation de retour : <strong>%(rma)s</strong>. Tous les articles doivent être retournés avant le <strong>%(day)s</strong>.",
        "Rücksendenummer: <strong>%(rma)s</strong>. Alle Artikel müssen bis zum <strong>%(day)s</strong> zurückgesendet werden.",
        "Numero di autorizzazione al reso: <strong>%(rma)s</strong>. Tutti gli articoli devono essere restituiti entro il <strong>%(day)s</strong>.",
        "Número de autorización de devolución: <strong>%(rma)s</strong>. Todos los artículos deben devolverse antes del <strong>%(day)s</strong>.",
    ),
    "Continue shopping": (
        "Continuer vos achats",
        "Weiter einkaufen",
        "Continua gli acquisti",
        "Seguir comprando",
    ),
    "Select Items for Return": (
        "Sélectionnez les articles à retourner",
        "Artikel für die Rücksendung auswählen",
        "Seleziona gli articoli da restituire",
        "Selecciona los artículos a devolver",
    ),
    "The items for this order are displayed below. Please follow the return instructions that are displayed for each item.": (
        "Les articles de cette commande sont affichés ci-dessous. Suivez les instructions de retour indiquées pour chaque article.",
        "Die Artikel dieser Bestellung sind unten aufgeführt. Bitte folgen Sie den Rücksendehinweisen zu jedem Artikel.",
        "Gli articoli di questo ordine sono elencati qui sotto. Segui le istruzioni di reso indicate per ciascun articolo.",
        "Los artículos de este pedido se muestran a continuación. Sigue las instrucciones de devolución de cada artículo.",
    ),
    "Order #": ("Commande n°", "Bestellnr.", "Ordine n.", "Pedido n.º"),
    "Order Date": ("Date de commande", "Bestelldatum", "Data dell'ordine", "Fecha del pedido"),
    "View Order Summary": (
        "Voir le récapitulatif de commande",
        "Bestellübersicht anzeigen",
        "Visualizza il riepilogo dell'ordine",
        "Ver el resumen del pedido",
    ),
    "Gift returns are refunded to you as gift credit; prices are not shown.": (
        "Les retours de cadeaux vous sont remboursés en crédit cadeau ; les prix ne sont pas affichés.",
        "Geschenkrücksendungen werden Ihnen als Geschenkguthaben erstattet; Preise werden nicht angezeigt.",
        "I resi di regali ti vengono rimborsati come credito regalo; i prezzi non sono mostrati.",
        "Las devoluciones de regalos se reembolsan como saldo de regalo; no se muestran los precios.",
    ),
    "Item(s) shipped on %(day)s": (
        "Article(s) expédié(s) le %(day)s",
        "Artikel versandt am %(day)s",
        "Articolo/i spedito/i il %(day)s",
        "Artículo(s) enviado(s) el %(day)s",
    ),
    "You already have an open return request for this item. You can still request another return.": (
        "Vous avez déjà une demande de retour ouverte pour cet article. Vous pouvez tout de même en faire une autre.",
        "Für diesen Artikel besteht bereits eine offene Rücksendeanfrage. Sie können trotzdem eine weitere stellen.",
        "Hai già una richiesta di reso aperta per questo articolo. Puoi comunque richiederne un'altra.",
        "Ya tienes una solicitud de devolución abierta para este artículo. Aun así puedes solicitar otra.",
    ),
    "This item has already been returned or is on its way back.": (
        "Cet article a déjà été retourné ou est en cours de retour.",
        "Dieser Artikel wurde bereits zurückgesendet oder ist auf dem Rückweg.",
        "Questo articolo è già stato restituito o è in fase di reso.",
        "Este artículo ya se ha devuelto o está en camino.",
    ),
    "Submit for approval": (
        "Envoyer pour approbation",
        "Zur Genehmigung senden",
        "Invia per l'approvazione",
        "Enviar para aprobación",
    ),
    "View Existing Return Authorizations": (
        "Voir les autorisations de retour existantes",
        "Bestehende Rücksendegenehmigungen anzeigen",
        "Visualizza le autorizzazioni al reso esistenti",
        "Ver las autorizaciones de devolución existentes",
    ),
    "Return Authorizations created in the past 2 months": (
        "Autorisations de retour créées au cours des 2 derniers mois",
        "In den letzten 2 Monaten erstellte Rücksendegenehmigungen",
        "Autorizzazioni al reso create negli ultimi 2 mesi",
        "Autorizaciones de devolución creadas en los últimos 2 meses",
    ),
    "Creation Date": ("Date de création", "Erstellungsdatum", "Data di creazione", "Fecha de creación"),
    "Return Authorization #": (
        "N° d'autorisation de retour",
        "Rücksendenummer",
        "N. autorizzazione al reso",
        "N.º de autorización de devolución",
    ),
    "Status": ("Statut", "Status", "Stato", "Estado"),
    "Seller has not yet responded": (
        "Le vendeur n'a pas encore répondu",
        "Der Verkäufer hat noch nicht geantwortet",
        "Il venditore non ha ancora risposto",
        "El vendedor aún no ha respondido",
    ),
    "Closed": ("Clôturé", "Abgeschlossen", "Chiuso", "Cerrada"),
    "Reason:": ("Motif :", "Grund:", "Motivo:", "Motivo:"),
    "Cancelled by the buyer": (
        "Annulé par l'acheteur",
        "Vom Käufer storniert",
        "Annullato dall'acquirente",
        "Cancelada por el comprador",
    ),
    "Items:": ("Articles :", "Artikel:", "Articoli:", "Artículos:"),
    "Message from the seller: %(message)s": (
        "Message du vendeur : %(message)s",
        "Nachricht des Verkäufers: %(message)s",
        "Messaggio del venditore: %(message)s",
        "Mensaje del vendedor: %(message)s",
    ),
    "Print Label": ("Imprimer l'étiquette", "Etikett drucken", "Stampa etichetta", "Imprimir etiqueta"),
    "File an A-to-Z Claim": (
        "Déposer une réclamation A à Z",
        "A-bis-z-Garantieantrag stellen",
        "Presenta un reclamo dalla A alla Z",
        "Presentar una reclamación de la A a la Z",
    ),
    "Cancel Return": (
        "Annuler le retour",
        "Rücksendung stornieren",
        "Annulla il reso",
        "Cancelar la devolución",
    ),
    "View Your E-mails with Seller": (
        "Voir vos e-mails avec le vendeur",
        "E-Mails mit dem Verkäufer anzeigen",
        "Visualizza le e-mail con il venditore",
        "Ver tus correos con el vendedor",
    ),
    "You rated this return %(rating)s/5.": (
        "Vous avez noté ce retour %(rating)s/5.",
        "Sie haben diese Rücksendung mit %(rating)s/5 bewertet.",
        "Hai valutato questo reso %(rating)s/5.",
        "Valoraste esta devolución con %(rating)s/5.",
    ),
    "Rate your return experience": (
        "Notez votre expérience de retour",
        "Bewerten Sie Ihre Rücksendung",
        "Valuta la tua esperienza di reso",
        "Valora tu experiencia de devolución",
    ),
    "Rate": ("Noter", "Bewerten", "Valuta", "Valorar"),
    "You have no returns from the past 2 months.": (
        "Vous n'avez aucun retour au cours des 2 derniers mois.",
        "Sie haben in den letzten 2 Monaten keine Rücksendungen.",
        "Non hai resi negli ultimi 2 mesi.",
        "No tienes devoluciones en los últimos 2 meses.",
    ),
    "Back": ("Retour", "Zurück", "Indietro", "Volver"),
    "Storefront": ("Boutique", "Shop", "Negozio", "Tienda"),
    "Hello, %(name)s": ("Bonjour, %(name)s", "Hallo, %(name)s", "Ciao, %(name)s", "Hola, %(name)s"),
    "Your orders": ("Vos commandes", "Meine Bestellungen", "I miei ordini", "Mis pedidos"),
    "Returns": ("Retours", "Rücksendungen", "Resi", "Devoluciones"),
    "Sign out": ("Se déconnecter", "Abmelden", "Esci", "Cerrar sesión"),
    "Sign in": ("Se connecter", "Anmelden", "Accedi", "Iniciar sesión"),
    "Order Details": (
        "Détails de la commande",
        "Bestelldetails",
        "Dettagli dell'ordine",
        "Detalles del pedido",
    ),
    "You have no orders yet.": (
        "Vous n'avez pas encore de commande.",
        "Sie haben noch keine Bestellungen.",
        "Non hai ancora ordini.",
        "Aún no tienes pedidos.",
    ),
    "ORDER PLACED": ("COMMANDE EFFECTUÉE", "BESTELLT AM", "ORDINE EFFETTUATO", "PEDIDO REALIZADO"),
    "ORDER #": ("COMMANDE N°", "BESTELLNR.", "ORDINE N.", "PEDIDO N.º"),
    "RECIPIENT": ("DESTINATAIRE", "EMPFÄNGER", "DESTINATARIO", "DESTINATARIO"),
    "TOTAL": ("TOTAL", "SUMME", "TOTALE", "TOTAL"),
    "DELIVERY ESTIMATE": (
        "LIVRAISON ESTIMÉE",
        "VORAUSSICHTLICHE LIEFERUNG",
        "CONSEGNA PREVISTA",
        "ENTREGA ESTIMADA",
    ),
    "Delivered %(day)s": (
        "Livré le %(day)s",
        "Zugestellt am %(day)s",
        "Consegnato il %(day)s",
        "Entregado el %(day)s",
    ),
    "Dispatched": ("Expédié", "Versandt", "Spedito", "Enviado"),
    "Tracking number: %(number)s": (
        "Numéro de suivi : %(number)s",
        "Sendungsnummer: %(number)s",
        "Numero di tracciamento: %(number)s",
        "Número de seguimiento: %(number)s",
    ),
    "No tracking information.": (
        "Aucune information de suivi.",
        "Keine Sendungsverfolgung.",
        "Nessuna informazione di tracciamento.",
        "Sin información de seguimiento.",
    ),
    "%(quantity)s of": ("%(quantity)s x", "%(quantity)s x", "%(quantity)s x", "%(quantity)s x"),
    "Available actions": (
        "Actions disponibles",
        "Verfügbare Aktionen",
        "Azioni disponibili",
        "Acciones disponibles",
    ),
    "Contact seller": (
        "Contacter le vendeur",
        "Verkäufer kontaktieren",
        "Contatta il venditore",
        "Contactar con el vendedor",
    ),
    "File/View Claim": (
        "Déposer/voir une réclamation",
        "Antrag stellen/anzeigen",
        "Presenta/visualizza reclamo",
        "Presentar/ver reclamación",
    ),
    "Leave seller feedback": (
        "Évaluer le vendeur",
        "Verkäufer bewerten",
        "Valuta il venditore",
        "Valorar al vendedor",
    ),
    "NOTE: We aren't able to offer policy exceptions or special handling in response to comments entered on this page.": (
        "REMARQUE : nous ne pouvons pas accorder d'exceptions à la politique de retour ni de traitement particulier en réponse aux commentaires saisis sur cette page.",
        "HINWEIS: Auf Kommentare auf dieser Seite hin können wir keine Ausnahmen von den Rückgaberichtlinien oder Sonderbehandlungen gewähren.",
        "NOTA: non possiamo concedere eccezioni alle condizioni di reso o trattamenti speciali in base ai commenti inseriti in questa pagina.",
        "NOTA: no podemos ofrecer excepciones a la política ni un trato especial en respuesta a los comentarios introducidos en esta página.",
    ),
    "This order was sold and delivered by a marketplace seller. Upon completing this page, the details of this return will be sent to the seller for approval. If the return is automatically approved, your return label will be available immediately. Otherwise, we'll need to wait for the seller to review this return request and provide a label or instructions on how to return your items.": (
        "Cette commande a été vendue et livrée par un vendeur tiers. Une fois cette page remplie, les détails du retour seront envoyés au vendeur pour approbation. Si le retour est approuvé automatiquement, votre étiquette de retour sera disponible immédiatement. Sinon, le vendeur examinera la demande et fournira une étiquette ou des instructions de retour.",
        "Diese Bestellung wurde von einem Marketplace-Verkäufer verkauft und geliefert. Nach dem Ausfüllen dieser Seite werden die Angaben zur Genehmigung an den Verkäufer gesendet. Wird die Rücksendung automatisch genehmigt, steht Ihr Rücksendeetikett sofort bereit. Andernfalls prüft der Verkäufer die Anfrage und stellt ein Etikett oder Rücksendehinweise bereit.",
        "Questo ordine è stato venduto e consegnato da un venditore del marketplace. Compilata questa pagina, i dettagli del reso saranno inviati al venditore per l'approvazione. Se il reso viene approvato automaticamente, l'etichetta sarà subito disponibile; altrimenti il venditore esaminerà la richiesta e fornirà un'etichetta o le istruzioni per il reso.",
        "Este pedido lo vendió y entregó un vendedor del marketplace. Al completar esta página, los detalles de la devolución se enviarán al vendedor para su aprobación. Si la devolución se aprueba automáticamente, tu etiqueta estará disponible de inmediato; si no, el vendedor revisará la solicitud y te dará una etiqueta o instrucciones.",
    ),
    'Your return request has been submitted to the seller for approval. The seller will review and respond to your request typically within 48 hours. Once approved, you will receive the seller\'s return address with instructions for mailing your return. To view the status of your request, you may visit the <a href="%(your_returns)s">Manage Your Returns</a> page in our Online Return Center.': (
        "Votre demande de retour a été envoyée au vendeur pour approbation. Le vendeur l'examinera et y répondra généralement sous 48 heures. Une fois approuvée, vous recevrez l'adresse de retour du vendeur et les instructions d'envoi. Pour suivre votre demande, rendez-vous sur la page <a href=\"%(your_returns)s\">Gérer vos retours</a> de notre centre de retours en ligne.",
        'Ihre Rücksendeanfrage wurde dem Verkäufer zur Genehmigung übermittelt. Der Verkäufer antwortet in der Regel innerhalb von 48 Stunden. Nach der Genehmigung erhalten Sie die Rücksendeadresse und Versandhinweise. Den Stand Ihrer Anfrage sehen Sie unter <a href="%(your_returns)s">Ihre Rücksendungen verwalten</a> im Online-Rücksendezentrum.',
        "La tua richiesta di reso è stata inviata al venditore per l'approvazione. Il venditore risponderà in genere entro 48 ore. Una volta approvata, riceverai l'indirizzo di reso con le istruzioni per la spedizione. Per vedere lo stato della richiesta visita la pagina <a href=\"%(your_returns)s\">Gestisci i tuoi resi</a> del Centro resi online.",
        'Tu solicitud de devolución se ha enviado al vendedor para su aprobación. El vendedor responderá normalmente en 48 horas. Una vez aprobada, recibirás la dirección de devolución con las instrucciones de envío. Para ver el estado de tu solicitud, visita la página <a href="%(your_returns)s">Gestionar tus devoluciones</a> del Centro de devoluciones.',
    ),
    "Seller Central. This e-mail was sent automatically; replies are not read.": (
        "Seller Central. Cet e-mail a été envoyé automatiquement ; les réponses ne sont pas lues.",
        "Seller Central. Diese E-Mail wurde automatisch versendet; Antworten werden nicht gelesen.",
        "Seller Central. Questa e-mail è stata inviata automaticamente; le risposte non vengono lette.",
        "Seller Central. Este correo se envió automáticamente; las respuestas no se leen.",
    ),
}


def main() -> None:
    root = Path(__file__).resolve().parent
    for n, language in enumerate(LANGUAGES):
        path = root / language / "LC_MESSAGES" / "django.po"
        catalogue = polib.pofile(str(path))
        missing = []
        for entry in catalogue:
            words = T.get(entry.msgid)
            if words:
                entry.msgstr = words[n]
                entry.flags = [f for f in entry.flags if f != "fuzzy"]
            elif entry.msgid and not entry.msgstr:
                missing.append(entry.msgid)
        catalogue.save()
        catalogue.save_as_mofile(str(path.with_suffix(".mo")))
        if missing:
            print(f"{language}: {len(missing)} without a translation: {missing[:5]}")


if __name__ == "__main__":
    main()
